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

CREATE TRIGGER users_count_insert AFTER INSERT ON users BEGIN
    INSERT INTO user_counts (account_id, status, n) VALUES (NEW.account_id, NEW.status, 1)
    ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER users_count_delete AFTER DELETE ON users BEGIN
    UPDATE user_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status;
END;

CREATE TRIGGER users_count_update AFTER UPDATE OF account_id, status ON users
WHEN OLD.account_id <> NEW.account_id OR OLD.status <> NEW.status BEGIN
    UPDATE user_counts SET n = n - 1 WHERE account_id = OLD.account_id AND status = OLD.status;
    INSERT INTO user_counts (account_id, status, n) VALUES (NEW.account_id, NEW.status, 1)
    ON CONFLICT (account_id, status) DO UPDATE SET n = n + 1;
END;
