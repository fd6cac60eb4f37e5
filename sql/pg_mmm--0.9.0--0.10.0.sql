\echo Use "ALTER EXTENSION pg_mmm UPDATE TO '0.10.0'" to load this file. \quit

-- A backtest's run and folds may point only at models their role can see: foreign keys bypass
-- row-level security, so before 0.10.0 a role could insert a run or fold naming another role's
-- model id.
ALTER POLICY member_of_owner ON mmm.backtests
    WITH CHECK (owner = current_user
                AND (final_model_id IS NULL OR EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = final_model_id)));
ALTER POLICY visible_backtest ON mmm.backtest_folds
    WITH CHECK (EXISTS (SELECT 1 FROM mmm.backtests b WHERE b.id = backtest_id)
                AND (model_id IS NULL OR EXISTS (SELECT 1 FROM mmm.models m WHERE m.id = model_id)));
