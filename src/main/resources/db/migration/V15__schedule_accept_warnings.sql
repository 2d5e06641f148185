-- A window's upgrade may go on past pre-check warnings (issue 12): nobody is there to accept them when it opens.
ALTER TABLE upgrade_schedule ADD COLUMN accept_warnings BOOLEAN DEFAULT FALSE NOT NULL;
