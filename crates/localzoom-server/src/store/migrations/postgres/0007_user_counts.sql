-- Users per account and status, kept by triggers, so `total_records` costs one row read rather
-- than a count over every user.
CREATE TABLE user_counts (
    account_id TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (account_id, status)
);

INSERT INTO user_counts (account_id, status, n)
SELECT account_id, status, COUNT(*) FROM users GROUP BY account_id, status;

CREATE FUNCTION users_count() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.account_id = NEW.account_id AND OLD.status = NEW.status THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE user_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO user_counts (account_id, status, n) VALUES (NEW.account_id, NEW.status, 1)
        ON CONFLICT (account_id, status) DO UPDATE SET n = user_counts.n + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_count AFTER INSERT OR DELETE OR UPDATE OF account_id, status ON users
FOR EACH ROW EXECUTE FUNCTION users_count();
