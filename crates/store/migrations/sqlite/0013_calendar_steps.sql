-- Issue 13: plan steps anchored to the calendar ("on their birthday", "Dec 10")
-- are read from plan_steps.delay as written; steps that repeat keep their rule
-- ("every 3 months, 4 times") beside it. Each later run of a repeating step is
-- an enrollment row of its own (repeats_step: the step it repeats; occurrence:
-- which run it is), so the plan goes on while the step comes back, and an
-- outbox row stays unique per (enrollment, step). NULL in the new columns
-- reads as "once" and "the first run", so older backups restore as they were.
ALTER TABLE plan_steps ADD COLUMN repeat_rule TEXT;
ALTER TABLE enrollments ADD COLUMN repeats_step INTEGER;
ALTER TABLE enrollments ADD COLUMN occurrence INTEGER;

-- One live row per (plan, contact) for the plan's own walk, and one per repeating step.
DROP INDEX enrollments_live;
CREATE UNIQUE INDEX enrollments_live ON enrollments (plan_id, contact_id, COALESCE(repeats_step, -1))
    WHERE state IN ('active', 'paused');
