//! The catalog is hand-written SQL (`sql/catalog.sql`), loaded first into the install script;
//! the upgrade scripts that bring earlier releases' catalogs to it live beside it in `sql/`.

use pgrx::prelude::*;

extension_sql_file!("../../sql/catalog.sql", name = "catalog", bootstrap);
