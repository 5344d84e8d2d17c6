// A file that does not parse: reported and skipped, never a crash.
fn broken( {
    TcpListener::bind("0.0.0.0:80")
