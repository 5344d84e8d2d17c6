//! Serving every listener of a set until one fails or Ctrl-C (`serve` feature).

use std::future::Future;
use std::io;
use std::task::Poll;

/// Runs `serve(listener)` for each listener, each on its own task, until the first
/// ends (its error is returned; a panic becomes an error) or the process gets Ctrl-C
/// (`SIGINT`; then `Ok`). The other tasks are aborted when it returns. With axum,
/// `serve_all(listeners, |l| axum::serve(l, app.clone()).into_future())`; with a
/// server of one's own:
///
/// ```no_run
/// # async fn run(set: bind_guard::BindSet) -> std::io::Result<()> {
/// let listeners = bind_guard::tokio::bind_tcp_all(&set).await?;
/// bind_guard::listen::serve_all(listeners, |listener| async move {
///     loop {
///         let (connection, _) = listener.accept().await?;
///         drop(connection); // answer it here
///     }
/// })
/// .await
/// # }
/// ```
///
/// Needs a multi-threaded or current-thread tokio runtime with signals (tokio's
/// `signal` feature, which this feature turns on).
///
/// # Errors
///
/// No listener (nothing would be served), the first server's error, or installing the
/// Ctrl-C handler.
pub async fn serve_all<L, F, Fut>(
    listeners: impl IntoIterator<Item = L>,
    mut serve: F,
) -> io::Result<()>
where
    F: FnMut(L) -> Fut,
    Fut: Future<Output = io::Result<()>> + Send + 'static,
{
    let mut servers = tokio::task::JoinSet::new();
    for listener in listeners {
        servers.spawn(serve(listener));
    }
    if servers.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "no listener to serve",
        ));
    }
    // Dropping the JoinSet on return aborts the servers still running.
    let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
    std::future::poll_fn(|cx| {
        if let Poll::Ready(signal) = ctrl_c.as_mut().poll(cx) {
            return Poll::Ready(signal);
        }
        match servers.poll_join_next(cx) {
            Poll::Ready(Some(ended)) => {
                Poll::Ready(ended.map_err(io::Error::other).and_then(|r| r))
            }
            // Not empty when this started, and nothing is taken out but here.
            Poll::Ready(None) => Poll::Ready(Ok(())),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}
