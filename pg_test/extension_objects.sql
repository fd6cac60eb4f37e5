-- Every object of extension pg_mmm with its definition, privileges and comment, one line each,
-- in a stable order: pg_test/upgrade.sh checks that an updated extension lists exactly what a
-- new install lists.
WITH ext AS (SELECT oid, extconfig FROM pg_extension WHERE extname = 'pg_mmm'),
members AS (
    SELECT d.classid, d.objid
    FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
),
relations AS (
    SELECT c.oid FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
)
SELECT pg_describe_object(m.classid, m.objid, 0) || ': ' || coalesce(
    (SELECT concat_ws(' | ', pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
                      p.prokind, p.provolatile, p.proisstrict, p.proparallel, p.prosecdef, p.proacl::text,
                      p.probin, p.prosrc, a.aggtransfn, a.aggfinalfn, a.aggtranstype::regtype)
     FROM pg_proc p LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
     WHERE m.classid = 'pg_proc'::regclass AND p.oid = m.objid),
    (SELECT concat_ws(' | ', c.relkind, c.relrowsecurity, c.relacl::text, c.reloptions::text,
                      CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) END,
                      (SELECT string_agg(concat_ws(' ', a.attname, format_type(a.atttypid, a.atttypmod),
                                                   a.attnotnull, a.attstorage, pg_get_expr(ad.adbin, ad.adrelid),
                                                   col_description(c.oid, a.attnum)), ', ' ORDER BY a.attnum)
                       FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
                       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))
     FROM pg_class c WHERE m.classid = 'pg_class'::regclass AND c.oid = m.objid),
    (SELECT concat_ws(' | ', n.nspacl::text) FROM pg_namespace n
     WHERE m.classid = 'pg_namespace'::regclass AND n.oid = m.objid),
    '') || ' | ' || coalesce(obj_description(m.objid, m.classid::regclass::name), '')
FROM members m
UNION ALL
SELECT 'constraint ' || conname || ' on ' || conrelid::regclass || ': ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid IN (SELECT oid FROM relations)
UNION ALL
SELECT 'index on ' || indrelid::regclass || ': ' || pg_get_indexdef(indexrelid)
FROM pg_index WHERE indrelid IN (SELECT oid FROM relations)
UNION ALL
SELECT concat_ws(' ', 'policy', policyname, 'on', schemaname || '.' || tablename, permissive, roles::text, cmd, qual, with_check)
FROM pg_policies WHERE schemaname = 'mmm'
UNION ALL
SELECT 'configuration table ' || c::regclass FROM ext, unnest(ext.extconfig) AS c
ORDER BY 1;
