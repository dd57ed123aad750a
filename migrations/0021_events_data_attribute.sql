-- NexusCore's events table names the payload column `data`; here it is `properties` (the B25
-- reference's name, one column rather than two copies of every payload). A function on the row
-- type lets SQL written for NexusCore read e.data / events.data (PostgreSQL's attribute notation
-- for functions); a bare `data` still needs `properties`.
CREATE FUNCTION data(events) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT $1.properties';

COMMENT ON FUNCTION data(events) IS 'NexusCore''s name for properties: SELECT e.data FROM events e.';
