//! readerpoll: reader polls for news articles.
//!
//! `core` and `view` are pure and build everywhere; `dom`, `transport` and
//! `api` exist only on wasm32, where `api` is the single export surface.

pub mod core;

/// A free-list allocator a few hundred bytes in size instead of dlmalloc's
/// seven kilobytes: a poll allocates little and lives on one thread.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without atomics has a single thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod survey_view;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod dom;
pub mod transport;
