-- Each copilot worker's CPU share (0–1 of the cores its process may use), renewed with its job
-- count about once a second (#19): a worker past its capacity declines a job another live
-- worker has room for, and LiveKit offers the job to that one.
ALTER TABLE copilot_workers ADD COLUMN cpu real NOT NULL DEFAULT 0 CHECK (cpu >= 0 AND cpu <= 1);
