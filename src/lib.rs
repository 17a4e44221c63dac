//! hookgrace: a webhook API whose deletes are soft, with a grace period and a durable
//! deletion queue, and the terminal dashboard that operates it.
//!
//! Layout: [`api`] holds the wire types shared by [`client`] and [`server`]; [`store`] holds all
//! SQL behind the [`store::Store`] interface; [`queue`] purges webhooks when their grace period
//! ends; [`dashboard`] is the terminal app; [`clock`] is the time source that tests control.

pub mod api;
pub mod cli;
pub mod client;
pub mod clock;
pub mod dashboard;
pub mod demo;
pub mod queue;
pub mod server;
pub mod store;
pub mod text;
