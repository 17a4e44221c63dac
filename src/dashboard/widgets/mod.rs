//! Drawing pieces shared by the views: the purge countdown, the status bar and text
//! sanitising.

pub mod countdown;
pub mod status_bar;
pub mod text;
