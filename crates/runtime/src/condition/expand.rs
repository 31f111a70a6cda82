//! Macro and list expansion over the syntax tree, with Falco's semantics and without its
//! text substitution.
//!
//! Falco resolves macros on the AST (`userspace/engine/filter_macro_resolver.cpp`): a bare
//! name standing as an expression is replaced by a copy of the macro's parsed condition,
//! itself resolved, and a reference back into the chain is a "reference loop". Lists are
//! pasted into the condition text (`rule_loader_compiler.cpp`, `resolve_list`), which only
//! ever lands in value lists in practice; here an unquoted item of an `in`/`intersects`/
//! `pmatch` value that names a list is replaced by that list's items, recursively. Working on
//! the tree means a macro and a list item sharing a name (the stable rules' macro `dup` is
//! `evt.type in (dup, dup2, dup3)`) cannot feed each other.
//!
//! The caller supplies the definitions through two look-up functions, so the rules loader
//! decides visibility (which macros a macro may see) and can note which definitions were used.

use crate::condition::ast::{Expr, Literal, Operand, Span};
use crate::condition::error::ExpandError;

/// The most nodes (expressions and list items) one expansion may produce: macros that use
/// others several times grow exponentially. The largest official rule expands to 782 (test
/// `official_rules_files_parse_and_expand`).
pub const MAX_EXPANDED_NODES: usize = 200_000;

/// The deepest expanded tree (macros within macros, with the nesting of their conditions), and
/// the deepest chain of lists within lists. The official rules reach 7 levels. Expansion takes
/// about 4 KiB of stack per level in debug builds (measured), so the bound keeps it, and every
/// other recursive walk of the tree (display, evaluation), within a 2 MiB thread stack.
pub const MAX_EXPANDED_DEPTH: usize = 256;

/// Expands every macro reference in `expr` and every list name in its value lists.
///
/// `macros` returns a macro's parsed condition (not yet expanded) and `lists` a list's items
/// (for example from [`parse_list_item`](super::parse_list_item)), both by name. A macro's
/// condition is expanded in turn, lists included. Quoted list items never name lists; an
/// unquoted item naming no list stays a value; a bare name where an expression stands that
/// names no macro is [`ExpandError::UndefinedMacro`]. A macro or list reaching itself again is
/// [`ExpandError::MacroCycle`] or [`ExpandError::ListCycle`], naming the chain.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
///
/// use custody_runtime::condition::{expand, parse, parse_list_item, Expr, Literal};
///
/// let macros: HashMap<&str, Expr> =
///     HashMap::from([("dup", parse("evt.type in (dup, dup2, dup3)").unwrap())]);
/// let lists: HashMap<&str, Vec<Literal>> =
///     HashMap::from([("shells", vec![parse_list_item("bash").unwrap()])]);
/// let rule = parse("dup and proc.name in (shells, zsh)").unwrap();
/// let expanded = expand(
///     &rule,
///     &|name: &str| macros.get(name),
///     &|name: &str| lists.get(name).map(Vec::as_slice),
/// )
/// .unwrap();
/// assert_eq!(
///     expanded.to_string(),
///     "evt.type in (dup, dup2, dup3) and proc.name in (bash, zsh)"
/// );
/// ```
pub fn expand<'d>(
    expr: &Expr,
    macros: &impl Fn(&str) -> Option<&'d Expr>,
    lists: &impl Fn(&str) -> Option<&'d [Literal]>,
) -> Result<Expr, ExpandError> {
    Expander {
        macros,
        lists,
        macro_chain: Vec::new(),
        list_chain: Vec::new(),
        nodes: 0,
        depth: 0,
    }
    .expr(expr)
}

/// The state of one expansion: the definitions, the chains being expanded, and the budgets.
struct Expander<'e, M, L> {
    macros: &'e M,
    lists: &'e L,
    macro_chain: Vec<String>,
    list_chain: Vec<String>,
    nodes: usize,
    depth: usize,
}

impl<'d, M, L> Expander<'_, M, L>
where
    M: Fn(&str) -> Option<&'d Expr>,
    L: Fn(&str) -> Option<&'d [Literal]>,
{
    /// Counts `count` more output nodes against [`MAX_EXPANDED_NODES`].
    fn spend(&mut self, count: usize) -> Result<(), ExpandError> {
        self.nodes = self.nodes.saturating_add(count);
        if self.nodes > MAX_EXPANDED_NODES {
            return Err(ExpandError::TooLarge {
                max: MAX_EXPANDED_NODES,
            });
        }
        Ok(())
    }

    /// Goes one level deeper, failing beyond [`MAX_EXPANDED_DEPTH`]; [`Self::leave`] undoes it.
    fn enter(&mut self) -> Result<(), ExpandError> {
        if self.depth >= MAX_EXPANDED_DEPTH {
            return Err(ExpandError::TooDeep {
                max: MAX_EXPANDED_DEPTH,
            });
        }
        self.depth += 1;
        Ok(())
    }

    /// Comes back up one level.
    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The expansion of one expression.
    ///
    /// This is the recursive step, so it stays small and closure-free: debug builds give every
    /// temporary its own stack slot, and iterator adapters add frames per level.
    fn expr(&mut self, expr: &Expr) -> Result<Expr, ExpandError> {
        self.spend(1)?;
        self.enter()?;
        let expanded = match expr {
            Expr::And(children) => self.children(children).map(Expr::And),
            Expr::Or(children) => self.children(children).map(Expr::Or),
            Expr::Not(child) => self.expr(child).map(|child| Expr::Not(Box::new(child))),
            Expr::Macro { name, span } => self.reference(name, *span),
            Expr::Unary { .. } | Expr::Binary { .. } => self.check(expr),
        };
        self.leave();
        expanded
    }

    /// The expansions of `children`.
    fn children(&mut self, children: &[Expr]) -> Result<Vec<Expr>, ExpandError> {
        let mut expanded = Vec::with_capacity(children.len());
        for child in children {
            expanded.push(self.expr(child)?);
        }
        Ok(expanded)
    }

    /// A check with the list names of its value expanded.
    fn check(&mut self, expr: &Expr) -> Result<Expr, ExpandError> {
        match expr {
            Expr::Binary {
                check,
                op,
                value,
                span,
            } if op.takes_list() => Ok(Expr::Binary {
                check: check.clone(),
                op: *op,
                value: self.list_operand(value)?,
                span: *span,
            }),
            _ => Ok(expr.clone()),
        }
    }

    /// The expansion of the macro `name` referenced at `span`.
    fn reference(&mut self, name: &str, span: Span) -> Result<Expr, ExpandError> {
        if let Some(first) = self.macro_chain.iter().position(|seen| seen == name) {
            let mut chain = self.macro_chain.split_off(first);
            chain.push(name.to_owned());
            return Err(ExpandError::MacroCycle { chain, span });
        }
        let Some(body) = (self.macros)(name) else {
            return Err(ExpandError::UndefinedMacro {
                name: name.to_owned(),
                span,
                within: self.macro_chain.last().cloned(),
            });
        };
        self.macro_chain.push(name.to_owned());
        let expanded = self.expr(body)?;
        self.macro_chain.pop();
        Ok(expanded)
    }

    /// The value of a list operator with list names replaced by their items; a single
    /// unquoted name of a list (`proc.name in shell_binaries`) becomes that list.
    fn list_operand(&mut self, value: &Operand) -> Result<Operand, ExpandError> {
        match value {
            Operand::List(items) => {
                let mut expanded = Vec::with_capacity(items.len());
                self.items(items, &mut expanded)?;
                Ok(Operand::List(expanded))
            }
            Operand::Single(item) if !item.quoted && (self.lists)(&item.text).is_some() => {
                let mut expanded = Vec::new();
                self.items(std::slice::from_ref(item), &mut expanded)?;
                Ok(Operand::List(expanded))
            }
            Operand::Single(_) | Operand::Field(_) => Ok(value.clone()),
        }
    }

    /// Appends `items` to `out`, each unquoted item naming a list replaced by its expansion.
    fn items(&mut self, items: &[Literal], out: &mut Vec<Literal>) -> Result<(), ExpandError> {
        for item in items {
            let referenced = if item.quoted {
                None
            } else {
                (self.lists)(&item.text)
            };
            let Some(list) = referenced else {
                self.spend(1)?;
                out.push(item.clone());
                continue;
            };
            if let Some(first) = self.list_chain.iter().position(|seen| *seen == item.text) {
                let mut chain = self.list_chain.split_off(first);
                chain.push(item.text.clone());
                return Err(ExpandError::ListCycle {
                    chain,
                    span: item.span,
                });
            }
            self.enter()?;
            self.list_chain.push(item.text.clone());
            self.items(list, out)?;
            self.list_chain.pop();
            self.leave();
        }
        Ok(())
    }
}
