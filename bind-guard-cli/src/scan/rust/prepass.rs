//! What the whole file says before the walk: names the walk resolves wherever they
//! are used, found in one pass over the tree.

use std::collections::{HashMap, HashSet};

use syn::visit::{self, Visit};
use syn::{Expr, Pat, UseTree};

use super::syntax::{int_value, is_zero};

/// Names of one file.
#[derive(Debug, Clone, Default)]
pub(super) struct Prepass {
    /// `use std::net::Ipv4Addr as V4;`: `V4` → `Ipv4Addr`.
    pub(super) aliases: HashMap<String, String>,
    /// `const Z: u8 = 0;`: integer constants that are zero.
    pub(super) zero_consts: HashSet<String>,
    /// `let zeros = [0u8; 4];` (not `mut`: a buffer filled later is not the
    /// wildcard): the name and the array's length.
    pub(super) zero_arrays: HashMap<String, usize>,
}

impl Prepass {
    pub(super) fn of(file: &syn::File) -> Prepass {
        let mut prepass = Prepass::default();
        prepass.visit_file(file);
        prepass
    }
}

/// The length of an array of zeros of an address's length (4, 8 or 16).
fn zero_array_len(expr: &Expr) -> Option<usize> {
    let len = match expr {
        Expr::Array(a) if a.elems.iter().all(is_zero) => a.elems.len(),
        Expr::Repeat(r) if is_zero(&r.expr) => usize::try_from(int_value(&r.len)?).ok()?,
        _ => return None,
    };
    matches!(len, 4 | 8 | 16).then_some(len)
}

impl<'ast> Visit<'ast> for Prepass {
    fn visit_use_tree(&mut self, tree: &'ast UseTree) {
        if let UseTree::Rename(rename) = tree {
            self.aliases
                .insert(rename.rename.to_string(), rename.ident.to_string());
        }
        visit::visit_use_tree(self, tree);
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        if is_zero(&item.expr) {
            self.zero_consts.insert(item.ident.to_string());
        }
        visit::visit_item_const(self, item);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let ident = match &local.pat {
            Pat::Ident(p) if p.mutability.is_none() => Some(&p.ident),
            Pat::Type(t) => match &*t.pat {
                Pat::Ident(p) if p.mutability.is_none() => Some(&p.ident),
                _ => None,
            },
            _ => None,
        };
        if let (Some(ident), Some(init)) = (ident, &local.init)
            && let Some(len) = zero_array_len(&init.expr)
        {
            self.zero_arrays.insert(ident.to_string(), len);
        }
        visit::visit_local(self, local);
    }
}
