//! readerpoll: reader polls for news articles.
//!
//! `core` and `view` are pure and build everywhere; `dom`, `transport` and
//! `api` exist only on wasm32, where `api` is the single export surface.

pub mod core;
pub mod view;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
pub mod dom;
