#!/usr/bin/env bash
# ALTER EXTENSION pg_mmm UPDATE keeps every model's answers. Builds and installs release 0.1.0
# from a git worktree of its commit, fits models with it in a throwaway cluster (mmm_fit on the
# example data and one mmm_fit_agg group), saves their summaries, ROAS, optimized budgets and
# draws, installs this checkout, updates the extension, and checks that the answers are
# identical, that a new fit works, and that the updated extension's objects are those of a new
# install. 0.1.0's shared library has the same file name as this release's, so the old
# answers are saved before this release is installed.
# Optional: BASE_WORKTREE and BASE_TARGET_DIR to reuse an existing checkout and build of 0.1.0.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

base_version=0.1.0
base_commit=34c726bc2b3f8c232b5e295a38f7760dc612dec2  # main when 0.1.0 was released
worktree=${BASE_WORKTREE:-target/upgrade/pg_mmm-$base_version}
base_target=${BASE_TARGET_DIR:-$PWD/target/upgrade/target-$base_version}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
work=$(mktemp -d /tmp/pg_mmm_upgrade.XXXXXX)
chmod 755 "$work"

echo "upgrade: building pg_mmm $base_version ($base_commit) and $version"
if [ ! -e "$worktree/.git" ]; then
  git worktree prune
  git worktree add --detach "$worktree" "$base_commit" >/dev/null
fi
[ "$(git -C "$worktree" rev-parse HEAD)" = "$base_commit" ] || {
  echo "upgrade: $worktree is not at $base_commit" >&2
  exit 1
}
# Packaged, not installed, so that both releases are built before either is installed.
package=$base_target/package
(cd "$worktree" && CARGO_TARGET_DIR=$base_target cargo pgrx package --pg-config "$PG_CONFIG" --out-dir "$package" \
  >"$work/build.log" 2>&1) || {
  cat "$work/build.log" >&2
  exit 1
}
# Installs the packaged 0.1.0 as cargo pgrx install would: the old library file is removed
# first, never overwritten where a running backend may have it mapped.
install_base() {
  local pkglibdir sharedir
  pkglibdir=$($PG_CONFIG --pkglibdir) sharedir=$($PG_CONFIG --sharedir)
  as_root rm -f "$pkglibdir/pg_mmm.so"
  as_root cp "$package$pkglibdir/pg_mmm.so" "$pkglibdir/"
  as_root cp "$package$sharedir/extension/"pg_mmm* "$sharedir/extension/"
}
install_base

cluster_start
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION pg_mmm VERSION '$base_version';
CREATE TABLE example (date_week date PRIMARY KEY, y float8, x1 float8, x2 float8,
                      event_1 float8, event_2 float8, dayofyear int, t int);
\copy example FROM 'data/pymc_mmm_example.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE brands AS
SELECT 'brand_' || s AS brand, date AS week, y AS sales, (spend ->> 'tv')::float8 AS tv,
       (spend ->> 'social')::float8 AS social, (controls ->> 'demand')::float8 AS demand
FROM generate_series(1, 2) AS s, mmm_simulate('tv_social_search', seed => s);
SELECT mmm_fit('example', 'date_week', 'y', ARRAY['x1', 'x2'], ARRAY['event_1', 'event_2', 't'],
               '{"yearly_seasonality": 2, "chains": 2, "tune": 200, "draws": 100, "seed": 42, "progress": false}',
               name => 'example');
SELECT brand, mmm_fit_agg(brand, week, sales, ARRAY[tv, social], ARRAY[demand],
                          '{"channel_names": ["tv", "social"], "control_names": ["demand"],
                            "chains": 2, "tune": 200, "draws": 100, "seed": 4, "progress": false}')
FROM brands WHERE brand = 'brand_1' GROUP BY brand;
SQL

# Every answer of every model, in full precision, plus the draws as the mmm.posterior table
# showed them, less the scalar gamma_control/gamma_fourier of a model without controls or
# seasonality, which 0.9.0's update removes (brand_1 has no seasonality): nothing read them.
answers() {
  psql -X -At -v ON_ERROR_STOP=1 <<'SQL'
SET extra_float_digits = 3;
SELECT 'model', id, name, version, status, n_rows, first_date, last_date FROM mmm.models ORDER BY id;
-- 0.1.0's columns: 0.4.0 adds a geo column (NULL for these national models).
SELECT 'summary', m.id, s.parameter, s.coordinate, s.mean, s.sd, s.hdi_3, s.hdi_97, s.mcse_mean, s.mcse_sd,
       s.ess_bulk, s.ess_tail, s.r_hat
FROM mmm.models m, mmm_summary(m.id) s
WHERE NOT (s.parameter IN ('gamma_control', 'gamma_fourier') AND s.coordinate IS NULL) ORDER BY m.id;
SELECT 'roas', m.id, r.channel, r.spend, r.contribution, r.contribution_lower, r.contribution_upper, r.roas,
       r.roas_lower, r.roas_upper
FROM mmm.models m, mmm_roas(m.id) r ORDER BY m.id, r.channel;
-- 0.3.0 carries in the last weeks by default; carry_in => false is 0.1.0's default. 0.1.0's
-- columns: 0.4.0 adds geo.
SELECT 'optimize', m.id, o.channel, o.budget_per_period, o.budget_total, o.share, o.contribution,
       o.contribution_lower, o.contribution_upper, o.marginal_roas, o.bound_status, o.equal_budget_per_period,
       o.equal_contribution, o.historical_budget_per_period, o.historical_contribution, o.utility,
       o.utility_equal, o.utility_historical, o.kkt_residual, o.method
FROM mmm.models m, mmm_optimize_budget(m.id, 2 * (SELECT avg(x) FROM mmm.model_data d, unnest(d.channels) x WHERE d.model_id = m.id), carry_in => false) o
ORDER BY m.id, o.channel;
SELECT 'draws', model_id, count(*), md5(string_agg(concat_ws(' ', chain, draw, parameter, coordinate, value), ',' ORDER BY parameter, coordinate, chain, draw))
FROM mmm.posterior WHERE NOT (parameter IN ('gamma_control', 'gamma_fourier') AND coordinate IS NULL)
GROUP BY model_id ORDER BY model_id;
SQL
}
answers >"$work/before"
echo "upgrade: $(wc -l <"$work/before") answers of $base_version saved"

echo "upgrade: installing pg_mmm $version"
install_extension
psql -X -q -v ON_ERROR_STOP=1 -c "ALTER EXTENSION pg_mmm UPDATE"
answers >"$work/after"
failed=0
installed=$(psql -X -At -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_mmm'")
if [ "$installed" != "$version" ]; then
  echo "upgrade: the extension is at $installed after ALTER EXTENSION UPDATE, not $version" >&2
  failed=1
fi
if ! diff "$work/before" "$work/after" >"$work/diff"; then
  echo "upgrade: answers changed by the update:" >&2
  head -40 "$work/diff" >&2
  failed=1
fi

# The updated models record what wrote them and are promoted when they were ok; a new fit
# works and adds a version.
check=$(psql -X -At -v ON_ERROR_STOP=1 <<'SQL'
SELECT string_agg(concat_ws(' ', name, version, spec_version, engine_version, coalesce(group_key, '-')), '; ' ORDER BY id)
FROM mmm.models;
SELECT mmm_fit('example', 'date_week', 'y', ARRAY['x1', 'x2'],
               config => '{"chains": 1, "tune": 100, "draws": 50, "seed": 1, "progress": false}') IS NOT NULL;
SELECT concat_ws(' ', name, version, spec_version, engine_version,
                 (SELECT count(*) FROM mmm_summary(id)) = (SELECT count(*) FROM mmm.posterior_draws WHERE model_id = id))
FROM mmm.models ORDER BY id DESC LIMIT 1;
-- The update promoted the old models whose status was ok (each name has one), and gave every
-- model a verdict reason; the new fit (50 draws) fails the default gates and is not promoted.
SELECT bool_and(promoted = (status = 'ok' AND engine_version = '0.1.0') AND verdict_reason IS NOT NULL)
FROM mmm.models;
-- brand_1 kept its draws and priors of gamma_control (one per control) and lost the scalar
-- gamma_fourier; every model is read whole.
SELECT string_agg(concat_ws(' ', m.name, p.parameter, p.n, m.priors ? p.parameter), '; ' ORDER BY m.id, p.parameter)
FROM mmm.models m
CROSS JOIN LATERAL (SELECT parameter, count(*) AS n FROM mmm_summary(m.id)
                    WHERE parameter IN ('gamma_control', 'gamma_fourier') GROUP BY parameter) p
WHERE m.engine_version = '0.1.0';
SQL
)
expected="example 1 1 0.1.0 -; brand_1 1 1 0.1.0 brand_1
t
example 2 1 $version t
t
example gamma_control 3 t; example gamma_fourier 4 t; brand_1 gamma_control 1 t"
if [ "$check" != "$expected" ]; then
  echo "upgrade: after the update, expected" >&2
  echo "$expected" >&2
  echo "got" >&2
  echo "$check" >&2
  failed=1
fi

# The updated extension has exactly the objects, definitions, privileges and comments of a new
# install.
objects() {
  psql -X -At -v ON_ERROR_STOP=1 -d "$1" -f pg_test/extension_objects.sql
}
createdb fresh
psql -X -q -d fresh -c "CREATE EXTENSION pg_mmm"
if ! diff <(objects fresh) <(objects postgres) >"$work/objects.diff"; then
  echo "upgrade: the updated extension differs from a new install (< new, > updated):" >&2
  head -60 "$work/objects.diff" >&2
  failed=1
fi

rm -rf "$work"
if [ "$failed" = 0 ]; then
  echo "1 passed, 0 failed: upgrade $base_version -> $version (summaries, ROAS, optimized budgets and draws of 2 models identical; new fit; objects as a new install)"
else
  echo "0 passed, 1 failed: upgrade $base_version -> $version" >&2
  exit 1
fi
