//! DOM layer.
