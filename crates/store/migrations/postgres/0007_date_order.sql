-- The order an account reads numeric dates in ("3/4/2027"): mdy, dmy or ymd.
-- NULL: the order of the account zone's country (see core::when::DateOrder).
ALTER TABLE accounts ADD COLUMN date_order TEXT CHECK (date_order IN ('mdy', 'dmy', 'ymd'));
