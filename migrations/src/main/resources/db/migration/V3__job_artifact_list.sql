-- The names and sizes of a job's artifacts, as its result lists them (the content is in job_artifacts).
ALTER TABLE jobs ADD COLUMN artifacts JSON;
