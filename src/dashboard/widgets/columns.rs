//! Width of table columns by priority. Every kept column first gets its minimum; columns
//! that do not fit are dropped, least important first, and a column marked as kept never is.
//! Spare width then goes to truncated columns, most important first, up to the width of
//! their content, and what is left to the columns that grow. A column can yield: it then
//! takes only part of its content width until every other column has its content.

use unicode_width::UnicodeWidthStr;

/// The width rules of one table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Narrowest useful width.
    pub min: u16,
    /// Width of its widest content on screen, header included.
    pub want: u16,
    /// Importance: 0 is never dropped, and higher numbers are dropped first.
    pub priority: u8,
    /// Takes a share of the width left once every column has its `want`.
    pub grow: bool,
    /// Width it takes before the other columns get their `want`; equal to `want` unless the
    /// column yields (see [`Column::yielding_beyond`]).
    pub first_want: u16,
}

impl Column {
    /// Builds a column that is never dropped.
    pub fn kept(min: u16, want: u16) -> Self {
        Self {
            min,
            want: want.max(min),
            priority: 0,
            grow: false,
            first_want: want.max(min),
        }
    }

    /// Builds a column dropped before those of lower `priority` when width runs short.
    pub fn optional(priority: u8, min: u16, want: u16) -> Self {
        Self {
            min,
            want: want.max(min),
            priority,
            grow: false,
            first_want: want.max(min),
        }
    }

    /// Marks the column to take a share of any width left over.
    pub fn growing(mut self) -> Self {
        self.grow = true;
        self
    }

    /// Lets the column take only `width` columns of its content until every other column has
    /// its `want`, and the rest of its content after that.
    pub fn yielding_beyond(mut self, width: u16) -> Self {
        self.first_want = width.clamp(self.min, self.want);
        self
    }
}

/// Returns the width of each column in `available` columns with `spacing` columns between
/// neighbours, or `None` for a dropped column. When even the kept columns do not fit at their
/// minimum, they shrink down to one column each: growing columns first, then from the last.
pub fn allocate(columns: &[Column], available: u16, spacing: u16) -> Vec<Option<u16>> {
    let mut kept: Vec<bool> = vec![true; columns.len()];
    let used = |kept: &[bool]| -> u32 {
        let count = kept.iter().filter(|kept| **kept).count() as u32;
        let mins: u32 = columns
            .iter()
            .zip(kept)
            .filter(|(_, kept)| **kept)
            .map(|(column, _)| u32::from(column.min))
            .sum();
        mins + count.saturating_sub(1) * u32::from(spacing)
    };
    while used(&kept) > u32::from(available) {
        let least = (0..columns.len())
            .filter(|&index| kept[index] && columns[index].priority > 0)
            .max_by_key(|&index| (columns[index].priority, index));
        match least {
            Some(index) => kept[index] = false,
            None => break,
        }
    }

    let mut widths: Vec<u16> = columns.iter().map(|column| column.min).collect();
    let mut spare = i64::from(available) - i64::from(used(&kept).min(u32::from(u16::MAX)));
    if spare < 0 {
        let growing_first = (0..columns.len())
            .rev()
            .filter(|&index| columns[index].grow)
            .chain(
                (0..columns.len())
                    .rev()
                    .filter(|&index| !columns[index].grow),
            );
        for index in growing_first.filter(|&index| kept[index]) {
            let cut = (-spare).min(i64::from(widths[index].saturating_sub(1)));
            widths[index] -= u16::try_from(cut).unwrap_or(0);
            spare += cut;
        }
    }

    let mut by_priority: Vec<usize> = (0..columns.len()).filter(|&index| kept[index]).collect();
    by_priority.sort_by_key(|&index| (columns[index].priority, index));
    // Yielding columns stop at their first want in the first pass and fill up in the second.
    for target in [
        |column: &Column| column.first_want,
        |column: &Column| column.want,
    ] {
        for &index in &by_priority {
            let missing = target(&columns[index]).saturating_sub(widths[index]);
            let extra = i64::from(missing).min(spare.max(0));
            widths[index] += u16::try_from(extra).unwrap_or(0);
            spare -= extra;
        }
    }

    let growing: Vec<usize> = (0..columns.len())
        .filter(|&index| kept[index] && columns[index].grow)
        .collect();
    if spare > 0 && !growing.is_empty() {
        let share = spare / growing.len() as i64;
        let mut rest = spare % growing.len() as i64;
        for index in growing {
            let extra = share + i64::from(rest > 0);
            rest -= 1;
            widths[index] = widths[index].saturating_add(u16::try_from(extra).unwrap_or(0));
        }
    }

    widths
        .into_iter()
        .zip(kept)
        .map(|(width, kept)| kept.then_some(width))
        .collect()
}

/// Returns the width of a column's widest content: the widest of `cell` over `rows`, or its
/// title with one more column for a sort arrow.
pub fn widest<T>(title: &str, rows: &[T], cell: impl Fn(&T) -> usize) -> u16 {
    let content = rows.iter().map(cell).max().unwrap_or(0);
    u16::try_from(content.max(title.width() + 1)).unwrap_or(u16::MAX)
}

/// Widest minimum that a name column takes from its content, so a long name does not push
/// every other column off a narrow screen.
pub const MAX_NAME_MIN: u16 = 20;

/// Returns the minimum of a column of names: its content width `want`, between `floor` and
/// [`MAX_NAME_MIN`], so short names show whole before optional columns get width.
pub fn name_min(floor: u16, want: u16) -> u16 {
    want.clamp(floor, MAX_NAME_MIN.max(floor))
}

/// Keeps the items whose column has a width.
pub fn pick<T>(items: impl IntoIterator<Item = T>, widths: &[Option<u16>]) -> Vec<T> {
    items
        .into_iter()
        .zip(widths)
        .filter(|(_, width)| width.is_some())
        .map(|(item, _)| item)
        .collect()
}

/// Returns the widths of the kept columns, in order.
pub fn kept_widths(widths: &[Option<u16>]) -> Vec<u16> {
    widths.iter().flatten().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<Column> {
        vec![
            Column::kept(4, 4),
            Column::kept(10, 24).growing(),
            Column::optional(2, 8, 30),
            Column::optional(3, 7, 11),
            Column::kept(13, 20),
        ]
    }

    #[test]
    fn narrow_width_drops_least_important_first() {
        let widths = allocate(&table(), 37, 1);

        assert_eq!(widths[2], None, "{widths:?}");
        assert_eq!(widths[3], None, "{widths:?}");
        assert_eq!(widths[0], Some(4));
        assert!(widths[4] >= Some(13), "{widths:?}");
        let total: u16 = kept_widths(&widths).iter().sum::<u16>() + 2;
        assert!(total <= 37, "{widths:?}");
    }

    #[test]
    fn spare_width_fills_content_by_priority() {
        let widths = allocate(&table(), 60, 1);

        assert_eq!(widths.iter().flatten().count(), 5, "{widths:?}");
        assert_eq!(
            widths[1],
            Some(24),
            "the webhook column reaches its content"
        );
    }

    #[test]
    fn wide_screen_gives_every_column_its_content() {
        let widths = allocate(&table(), 200, 1);

        assert_eq!(widths[2], Some(30));
        assert_eq!(widths[3], Some(11));
        assert_eq!(widths[4], Some(20));
        let total: u16 = kept_widths(&widths).iter().sum::<u16>() + 4;
        assert_eq!(total, 200, "the growing column takes the rest");
    }

    #[test]
    fn kept_columns_shrink_when_nothing_else_fits() {
        let widths = allocate(&table(), 20, 1);

        assert_eq!(widths.iter().flatten().count(), 3, "{widths:?}");
        let total: u16 = kept_widths(&widths).iter().sum::<u16>() + 2;
        assert!(total <= 20, "{widths:?}");
    }

    #[test]
    fn growing_kept_column_shrinks_before_the_others() {
        let columns = [Column::kept(20, 30).growing(), Column::kept(13, 13)];

        let widths = allocate(&columns, 30, 1);

        assert_eq!(widths, vec![Some(16), Some(13)]);
    }

    #[test]
    fn yielding_column_fills_up_last() {
        let columns = [
            Column::kept(10, 40).growing().yielding_beyond(10),
            Column::optional(1, 5, 15),
        ];

        assert_eq!(allocate(&columns, 30, 1), vec![Some(14), Some(15)]);
        assert_eq!(allocate(&columns, 56, 1), vec![Some(40), Some(15)]);
        assert_eq!(allocate(&columns, 60, 1), vec![Some(44), Some(15)]);
    }

    #[test]
    fn pick_keeps_items_of_kept_columns() {
        let widths = [Some(1), None, Some(3)];
        assert_eq!(pick(["a", "b", "c"], &widths), vec!["a", "c"]);
    }
}
