//! Drawing pieces shared by the views: table column widths, the purge countdown, the status
//! bar, text sanitising, the escapes names are drawn with, and word wrapping.

pub mod columns;
pub mod countdown;
pub mod escape;
pub mod status_bar;
pub mod text;
pub mod wrap;
