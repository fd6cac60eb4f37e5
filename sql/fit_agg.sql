-- mmm_fit_agg: one model per group. The step function collects a group's rows as jsonb; the
-- final function (mmm_fit_agg_final, src/sql/fit.rs) fits and stores them.

CREATE FUNCTION mmm.mmm_fit_agg_step(state jsonb, group_key anyelement, week date, target float8,
                                     channels float8[], controls float8[], config jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT jsonb_set(
        coalesce(state, jsonb_build_object('name', group_key::text, 'config', coalesce(config, '{}'), 'rows', '[]'::jsonb)),
        '{rows}',
        coalesce(state -> 'rows', '[]'::jsonb) || jsonb_build_array(jsonb_build_array(week, target, channels, coalesce(controls, '{}'))))
$$;

CREATE AGGREGATE mmm_fit_agg(group_key anyelement, week date, target float8, channels float8[],
                             controls float8[], config jsonb) (
    SFUNC = mmm.mmm_fit_agg_step,
    STYPE = jsonb,
    FINALFUNC = mmm_fit_agg_final
);
COMMENT ON AGGREGATE mmm_fit_agg(anyelement, date, float8, float8[], float8[], jsonb) IS
    'Fits one model per group (GROUP BY the key); the model is named by the group key';
-- CREATE AGGREGATE records every aggregate as immutable, and the planner drops an immutable
-- aggregate whose result nobody reads (SELECT count(*) FROM (SELECT mmm_fit_agg(...) ...)):
-- the fits, which write models, would silently not happen. Mark it volatile.
UPDATE pg_catalog.pg_proc SET provolatile = 'v'
WHERE oid = 'mmm_fit_agg(anyelement, date, float8, float8[], float8[], jsonb)'::pg_catalog.regprocedure;
