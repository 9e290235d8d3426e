-- The finalize worker's sweep for ended meetings without a job (`closer::recap::jobs`).
CREATE INDEX meetings_ended ON meetings (id) WHERE status = 'ended';
