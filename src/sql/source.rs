//! The one reader of a fit's or a prediction's rows: from a table or view named by the caller
//! (`mmm_fit`, `mmm_predict`) or from the rows `mmm_fit_agg` collected. Every source goes
//! through `Rows::push`, so NULLs get the same checks and messages wherever they come from.

use super::error::{raise, raise_fit};
use super::store::from_pg_date;
use mmm_engine::calendar::Date;
use mmm_engine::model::costs::CostRow;
use mmm_engine::model::design::Panel;
use mmm_engine::model::events::Event;
use mmm_engine::model::Dataset;
use pgrx::prelude::*;
use pgrx::PgRelation;

/// `"name"` with embedded quotes doubled: the only way a caller's text enters SQL.
pub fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The schema-qualified, quoted name of a relation.
pub fn qualified_name(relation: &PgRelation) -> String {
    format!("{}.{}", quote_ident(relation.namespace()), quote_ident(relation.name()))
}

/// How a source names its inputs in error messages: columns of a table, or the aggregate's
/// arguments.
pub struct Labels {
    /// The geo of a panel's rows, named in every message about them.
    pub geo: Option<String>,
    pub date: String,
    pub target: Option<String>,
    /// Channels then controls.
    pub values: Vec<String>,
}

/// Rows being collected into a `Dataset`. Without a target (new weeks to predict) `y` is zero.
pub struct Rows {
    data: Dataset,
    labels: Labels,
}

impl Rows {
    pub fn new(channel_names: Vec<String>, control_names: Vec<String>, labels: Labels) -> Rows {
        Rows { data: Dataset::empty(channel_names, control_names), labels }
    }

    /// Adds one row: date, target (when the source has one), channels then controls.
    pub fn push(&mut self, date: Option<Date>, target: Option<f64>, values: impl IntoIterator<Item = Option<f64>>) {
        let in_geo = self.labels.geo.as_ref().map_or(String::new(), |g| format!("geo \"{g}\": "));
        let Some(date) = date else {
            raise(
                PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                format!("{in_geo}{} has a NULL", self.labels.date),
                "Every row needs its week's date.",
            )
        };
        let null = |label: &str| -> ! {
            raise(
                PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                format!("{in_geo}{label} is NULL on {date}"),
                "Replace missing values, e.g. coalesce(spend, 0) in a view over the table.",
            )
        };
        let y = match &self.labels.target {
            Some(label) => target.unwrap_or_else(|| null(label)),
            None => 0.0,
        };
        let values: Vec<f64> =
            values.into_iter().zip(&self.labels.values).map(|(v, label)| v.unwrap_or_else(|| null(label))).collect();
        let (channels, controls) = values.split_at(self.data.channels.len());
        self.data.push(date, y, channels.iter().copied(), controls.iter().copied());
    }

    pub fn into_dataset(self) -> Dataset {
        self.data
    }
}

/// Checks the columns and reads the rows of `source` through SPI as the calling role, so its
/// privileges apply; `target` is `None` for new weeks to predict. The rows form a panel: one
/// series per value of column `geo` (its values as text, ordered as PyMC-Marketing orders
/// them), or one national series without `geo`; only the rows dated up to `through` when
/// given. Every geo must have every date.
pub fn read_panel(
    source: &PgRelation,
    date: &str,
    geo: Option<&str>,
    target: Option<&str>,
    channels: &[String],
    controls: &[String],
    through: Option<pgrx::datum::Date>,
) -> Panel {
    check_columns(source, date, geo, target, channels, controls);
    let numeric: Vec<&str> = target.into_iter().chain(channels.iter().chain(controls).map(String::as_str)).collect();
    let geo_expr = geo_text(source, geo);
    let select: Vec<String> = [format!("{}::date", quote_ident(date)), geo_expr]
        .into_iter()
        .chain(numeric.iter().map(|c| format!("{}::float8", quote_ident(c))))
        .collect();
    let query = format!(
        "SELECT {} FROM {} WHERE $1::date IS NULL OR {}::date <= $1",
        select.join(", "),
        qualified_name(source),
        quote_ident(date)
    );
    let column = |c: &str| format!("column \"{c}\"");
    let new_rows = |geo: Option<String>| {
        let labels = Labels {
            geo,
            date: format!("date column \"{date}\""),
            target: target.map(column),
            values: channels.iter().chain(controls).map(|c| column(c)).collect(),
        };
        Rows::new(channels.to_vec(), controls.to_vec(), labels)
    };
    // Geos in order of first appearance; Panel::from_geos sorts them.
    let mut series: Vec<(String, Rows)> = Vec::new();
    Spi::connect(|client| {
        for row in client.select(&query, None, &[through.into()]).expect("read source rows") {
            pgrx::check_for_interrupts!();
            let date = row.get::<pgrx::datum::Date>(1).expect("date").map(from_pg_date);
            let label = row.get::<String>(2).expect("geo");
            let g = match (geo, label) {
                (None, _) => 0,
                (Some(column), None) => raise(
                    PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                    format!("geo column \"{column}\" has a NULL{}", date.map_or(String::new(), |d| format!(" on {d}"))),
                    "Every row needs its geo; filter or label the rows without one.",
                ),
                (Some(_), Some(label)) => match series.iter().position(|(g, _)| *g == label) {
                    Some(g) => g,
                    None => {
                        series.push((label.clone(), new_rows(Some(label))));
                        series.len() - 1
                    }
                },
            };
            if series.is_empty() {
                series.push((String::new(), new_rows(None)));
            }
            let mut values = (0..numeric.len()).map(|i| row.get::<f64>(i + 3).expect("numeric column"));
            let y = if target.is_some() { values.next().flatten() } else { None };
            series[g].1.push(date, y, values);
        }
    });
    match geo {
        None => Panel::national(series.pop().map_or_else(|| new_rows(None).into_dataset(), |(_, r)| r.into_dataset())),
        Some(_) => {
            let series = series.into_iter().map(|(g, rows)| (g, rows.into_dataset())).collect();
            Panel::from_geos(series).unwrap_or_else(|e| raise_fit(e.into()))
        }
    }
}

/// The SQL that reads geo column `column` of `relation` as text, whatever its type (NULL::text
/// without one: a national model). A numeric's text keeps its scale, so `1.0` and `1.00`, which
/// SQL holds equal, would be two geos: a numeric (or a domain over one) loses its trailing
/// zeros first (`trim_scale`), one label per value.
pub fn geo_text(relation: &PgRelation, column: Option<&str>) -> String {
    let Some(column) = column else { return "NULL::text".into() };
    let numeric = super::read::one::<bool>(
        "SELECT t.typbasetype = 'numeric'::regtype OR t.oid = 'numeric'::regtype
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         WHERE a.attrelid = $1 AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped",
        &[relation.oid().into(), column.into()],
    );
    match numeric {
        Ok(Some(true)) => format!("trim_scale({}::numeric)::text", quote_ident(column)),
        _ => format!("{}::text", quote_ident(column)),
    }
}

/// Every named column exists, the date column holds dates and the others numbers, and no
/// column is named twice.
fn check_columns(
    source: &PgRelation,
    date: &str,
    geo: Option<&str>,
    target: Option<&str>,
    channels: &[String],
    controls: &[String],
) {
    if channels.is_empty() {
        raise(
            PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            "channel_columns is empty".into(),
            "Name at least one spend column, e.g. ARRAY['tv', 'radio'].",
        );
    }
    super::limits::check_length("channel_columns", channels.len(), super::limits::MAX_COLUMNS);
    super::limits::check_length("control_columns", controls.len(), super::limits::MAX_COLUMNS);
    let types = column_types(source);
    let numeric = target
        .map(|t| ("target_column", t))
        .into_iter()
        .chain(channels.iter().map(|c| ("channel_columns", c.as_str())))
        .chain(controls.iter().map(|c| ("control_columns", c.as_str())));
    // A geo column may have any type: its values are read as text.
    let geo = geo.map(|g| ("geo_column", g, None));
    let typed = numeric.map(|(a, c)| (a, c, Some(Holds::Numbers)));
    let columns: Vec<_> = std::iter::once(("date_column", date, Some(Holds::Dates))).chain(geo).chain(typed).collect();
    for &(argument, column, holds) in &columns {
        if !types.iter().any(|(name, _, _)| name == column) {
            raise(
                PgSqlErrorCode::ERRCODE_UNDEFINED_COLUMN,
                format!("column \"{column}\" ({argument}) does not exist in relation \"{}\"", source.name()),
                "Column names are case-sensitive here; pass them as they appear in \\d.",
            );
        }
        if let Some(holds) = holds {
            let hint = match holds {
                Holds::Dates => "The date column must be of type date or timestamp.",
                Holds::Numbers => "Spend, target and control columns must be numeric.",
            };
            check_type(&types, argument, column, holds, hint);
        }
    }
    require_distinct(
        columns.iter().map(|&(argument, column, _)| (argument, column)),
        "column",
        "Each column plays one part: the date, the geo, the target, a channel or a control.",
    );
}

/// Every name of `named` (pairs of the argument that names it and the name) is given once,
/// else an ERROR naming the name (a `what`) and the arguments that repeat it, with `hint`.
/// Checked before anything is read: a repeated name would otherwise be fitted twice and only
/// fail when its draws were stored.
pub fn require_distinct<'a>(named: impl IntoIterator<Item = (&'a str, &'a str)>, what: &str, hint: &str) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (argument, name) in named {
        if let Some((first, _)) = seen.iter().find(|(_, n)| *n == name) {
            let place = match *first == argument {
                true => format!("twice in {argument}"),
                false => format!("in both {first} and {argument}"),
            };
            raise(PgSqlErrorCode::ERRCODE_DUPLICATE_COLUMN, format!("{what} \"{name}\" is named {place}"), hint);
        }
        seen.push((argument, name));
    }
}

/// What a column read as a date or a number must hold: a type of PostgreSQL's category `D`
/// (date, timestamp) or `N` (numbers). A cast of anything else fails row by row, or worse,
/// succeeds on text that happens to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Dates,
    Numbers,
}

/// Each column of `relation`: its name, type category and type as `\d` shows it.
fn column_types(relation: &PgRelation) -> Vec<(String, String, String)> {
    Spi::connect(|client| {
        client
            .select(
                "SELECT a.attname::text, t.typcategory::text, format_type(a.atttypid, a.atttypmod)
                 FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                 WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped",
                None,
                &[relation.oid().into()],
            )
            .expect("read pg_attribute")
            .map(|r| (r.get(1).unwrap().unwrap(), r.get(2).unwrap().unwrap(), r.get(3).unwrap().unwrap()))
            .collect()
    })
}

/// An ERROR naming `column` (of argument `argument`) and its type, with `hint`, if `types` has
/// it with a type that does not hold `holds`.
fn check_type(types: &[(String, String, String)], argument: &str, column: &str, holds: Holds, hint: &str) {
    let category = match holds {
        Holds::Dates => "D",
        Holds::Numbers => "N",
    };
    if let Some((_, _, ty)) = types.iter().find(|(name, cat, _)| name == column && cat != category) {
        raise(
            PgSqlErrorCode::ERRCODE_DATATYPE_MISMATCH,
            format!("column \"{column}\" ({argument}) has type {ty}"),
            hint,
        );
    }
}

/// Every column of `columns` that `relation` (the table of argument `argument`) has holds what
/// it must, else an ERROR naming the first that does not, with the hint `hint(holds)`.
pub fn require_types(relation: &PgRelation, argument: &str, columns: &[(&str, Holds)], hint: impl Fn(Holds) -> String) {
    let types = column_types(relation);
    for &(column, holds) in columns {
        check_type(&types, argument, column, holds, &hint(holds));
    }
}

/// The columns of `columns` that `relation` lacks, in their order and comma-separated; `None`
/// when it has them all.
fn missing_columns(relation: &PgRelation, columns: &[&str]) -> Option<String> {
    super::read::one(
        "SELECT string_agg(c, ', ' ORDER BY k) FROM unnest($2::text[]) WITH ORDINALITY AS w(c, k)
         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute
                           WHERE attrelid = $1 AND attname = c AND attnum > 0 AND NOT attisdropped)",
        &[relation.oid().into(), columns.to_vec().into()],
    )
    .expect("read pg_attribute")
}

/// Whether `relation` has a column `column`.
pub fn has_column(relation: &PgRelation, column: &str) -> bool {
    missing_columns(relation, &[column]).is_none()
}

/// Every column of `columns` is in `relation`, the table of argument `argument`; else an ERROR
/// listing those missing, with `hint`.
pub fn require_columns(relation: &PgRelation, argument: &str, columns: &[&str], hint: &str) {
    if let Some(missing) = missing_columns(relation, columns) {
        raise(
            PgSqlErrorCode::ERRCODE_UNDEFINED_COLUMN,
            format!("{argument}: relation \"{}\" has no column {missing}", relation.name()),
            hint,
        );
    }
}

/// The events of `mmm_fit(..., events)`: rows `(name, start_date, end_date)` of `relation`,
/// ordered by name. A row with a NULL, an end before its start, or a name seen before is an
/// ERROR naming the row, raised before anything is fitted or written.
pub fn read_events(relation: &PgRelation) -> Vec<Event> {
    require_columns(
        relation,
        "events",
        &["name", "start_date", "end_date"],
        "The events table needs columns name, start_date and end_date.",
    );
    require_types(relation, "events", &[("start_date", Holds::Dates), ("end_date", Holds::Dates)], |_| {
        "An event's start_date and end_date must be of type date or timestamp.".into()
    });
    let query = format!(
        "SELECT name::text, start_date::date, end_date::date FROM {} ORDER BY name, start_date, end_date",
        qualified_name(relation)
    );
    let mut events: Vec<Event> = Vec::new();
    Spi::connect(|client| {
        for row in client.select(&query, None, &[]).expect("read the events") {
            let name: Option<String> = row.get(1).expect("name");
            let (start, end) = (row.get::<pgrx::datum::Date>(2).expect("start_date"), row.get(3).expect("end_date"));
            let finite = [start, end].iter().flatten().all(pgrx::datum::Date::is_finite);
            let shown = |v: Option<String>| v.unwrap_or_else(|| "NULL".into());
            let date = |d: Option<pgrx::datum::Date>| {
                shown(d.map(|d| match (d.is_infinity(), d.is_neg_infinity()) {
                    (true, _) => "infinity".into(),
                    (_, true) => "-infinity".into(),
                    _ => from_pg_date(d).to_string(),
                }))
            };
            let described =
                format!("({}, {}, {})", shown(name.as_ref().map(|n| format!("'{n}'"))), date(start), date(end));
            let (start, end) = (start.map(from_pg_date), end.map(from_pg_date));
            let bad = |message: &str, hint: &str| -> ! {
                raise(
                    PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                    format!("events row {described}: {message}"),
                    hint,
                )
            };
            let (Some(name), Some(start), Some(end)) = (name, start, end) else {
                bad("name, start_date and end_date must not be NULL", "Give every event a name and both dates.")
            };
            if !finite {
                bad(
                    "start_date and end_date must be finite dates",
                    "An event runs between two calendar dates, not to 'infinity'.",
                );
            }
            if end < start {
                bad("end_date is before start_date", "An event runs from start_date to end_date, both included.");
            }
            if events.last().is_some_and(|e| e.name == name) {
                bad("the name appears more than once", "Name each event once; each name gets its own effect.");
            }
            events.push(Event { name, start, end });
        }
    });
    events
}

/// The cost table of `mmm_fit(..., cost_per_unit)`: rows `(date, channel, cost_per_unit)` of
/// `relation`, and the geo in column `geo_column` for a panel, ordered so that a table gives
/// the same model whatever its physical order. A NULL is an ERROR naming the row; the engine
/// checks the rest (known channels and geos, costs > 0, every training week of a listed
/// channel) before anything is fitted or written.
pub fn read_costs(relation: &PgRelation, geo_column: Option<&str>) -> Vec<CostRow> {
    let wanted: Vec<&str> = ["date"].into_iter().chain(geo_column).chain(["channel", "cost_per_unit"]).collect();
    let hint = format!("The cost_per_unit table needs columns {}.", wanted.join(", "));
    require_columns(relation, "cost_per_unit", &wanted, &hint);
    require_types(relation, "cost_per_unit", &[("date", Holds::Dates), ("cost_per_unit", Holds::Numbers)], |holds| {
        match holds {
            Holds::Dates => "The cost table's date must be of type date or timestamp.".into(),
            Holds::Numbers => "The cost table's cost_per_unit must be numeric.".into(),
        }
    });
    let geo = geo_text(relation, geo_column);
    let query = format!(
        "SELECT date::date, {geo}, channel::text, cost_per_unit::float8 FROM {} ORDER BY 3, 2, 1",
        qualified_name(relation)
    );
    Spi::connect(|client| {
        let rows = client.select(&query, None, &[]).expect("read the cost_per_unit table");
        rows.map(|row| {
            let date = row.get::<pgrx::datum::Date>(1).expect("date").map(from_pg_date);
            let geo: Option<String> = row.get(2).expect("geo");
            let channel: Option<String> = row.get(3).expect("channel");
            let cost: Option<f64> = row.get(4).expect("cost_per_unit");
            match (date, &geo, channel, cost) {
                (Some(date), geo, Some(channel), Some(cost_per_unit)) if geo.is_some() || geo_column.is_none() => {
                    CostRow { date, geo: geo.clone(), channel, cost_per_unit }
                }
                (date, geo, channel, cost) => {
                    let shown = |v: Option<String>| v.unwrap_or_else(|| "NULL".into());
                    let mut parts = vec![format!("date {}", shown(date.map(|d| d.to_string())))];
                    if geo_column.is_some() {
                        parts.push(format!("geo {}", shown(geo.as_ref().map(|g| format!("'{g}'")))));
                    }
                    parts.push(format!("channel {}", shown(channel.map(|c| format!("'{c}'")))));
                    parts.push(format!("cost_per_unit {}", shown(cost.map(|c| c.to_string()))));
                    raise(
                        PgSqlErrorCode::ERRCODE_NULL_VALUE_NOT_ALLOWED,
                        format!("cost_per_unit row ({}) has a NULL", parts.join(", ")),
                        "Every row of the cost table needs its date, channel and cost_per_unit (and geo in a panel).",
                    )
                }
            }
        })
        .collect()
    })
}

/// The (channel, geo) indices a calibration row names by the model's channel and geo names (no
/// geo in a national model), else the row's ERROR message and hint, in which each row is called
/// `what` ("lift test", "row").
pub fn row_cell(
    channel: Option<&String>,
    geo: Option<&String>,
    channels: &[String],
    geos: &[String],
    what: &str,
) -> Result<(usize, Option<usize>), (String, String)> {
    let channel = channel
        .ok_or_else(|| ("channel is NULL".into(), format!("Every {what} names one of the model's channels.")))?;
    let c = channels.iter().position(|c| c == channel).ok_or_else(|| {
        (
            format!("the model has no channel \"{channel}\""),
            format!("The model's channels are {}.", channels.join(", ")),
        )
    })?;
    let geo = match (geo, geos.is_empty()) {
        (_, true) => None,
        (None, false) => return Err(("geo is NULL".into(), format!("In a panel every {what} names its geo."))),
        (Some(geo), false) => Some(geos.iter().position(|g| g == geo).ok_or_else(|| {
            (format!("the model has no geo \"{geo}\""), format!("The model's geos are {}.", geos.join(", ")))
        })?),
    };
    Ok((c, geo))
}
