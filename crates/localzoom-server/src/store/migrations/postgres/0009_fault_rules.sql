-- Fault rules of the control plane: stored so every replica applies them. `remaining` counts the
-- matches a rule still applies to (NULL: unlimited); `faults_version` tells replicas to re-read them.
CREATE TABLE fault_rules (
    id TEXT PRIMARY KEY,
    created_seq BIGINT NOT NULL,
    rule TEXT NOT NULL,
    remaining BIGINT
);
ALTER TABLE runtime_settings ADD COLUMN faults_version BIGINT NOT NULL DEFAULT 0;
