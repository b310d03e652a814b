-- A history database as zqt wrote it with schema 1 (before the filter index
-- and the draft table), with three submissions: a success with two results,
-- one of them saved locally; a send that failed; a task still running.
-- Frozen: it stands for files on users' disks. Never regenerate it.
CREATE TABLE submission (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint TEXT NOT NULL,
    base_url TEXT NOT NULL,
    profile TEXT NOT NULL,
    created_at REAL NOT NULL,
    id_task TEXT NOT NULL,
    service_task_id TEXT,
    prompt TEXT NOT NULL,
    model TEXT NOT NULL,
    image_count INTEGER NOT NULL,
    state TEXT NOT NULL,
    http_status INTEGER,
    task_status INTEGER,
    task_desc TEXT,
    progress REAL,
    error TEXT,
    submitted_at REAL,
    finished_at REAL,
    updated_at REAL NOT NULL,
    request_json TEXT NOT NULL,
    response_json TEXT,
    last_query_json TEXT
);
CREATE INDEX submission_id_task ON submission(id_task);
CREATE INDEX submission_unfinished ON submission(state) WHERE state IN ('sending', 'submitted', 'queued', 'running');
CREATE TABLE result (
    submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    image_url TEXT NOT NULL,
    seed INTEGER,
    image_status INTEGER,
    audit_passed INTEGER,
    audit_labels TEXT NOT NULL DEFAULT '',
    local_path TEXT,
    PRIMARY KEY (submission_id, position)
);
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    1, 'sd/v2/controlnet', 'https://api.zhiqite.com', 'default', 1795000000.0, 'zqt-20261118-110640-000-aaaa',
    'zqt-20261118-110640-000-aaaa', 'a lighthouse at dusk, 一座灯塔', 'revAnimated_v122.safetensors', 2, 'succeeded', 200, 2,
    'Success', NULL, NULL, 1795000001.0, 1795000030.0, 1795000030.0,
    '{"prompt": "a lighthouse at dusk, 一座灯塔", "alwayson_scripts": {"sd_model_checkpoint": "revAnimated_v122.safetensors", "id_task": "zqt-20261118-110640-000-aaaa"}}',
    '{"code": "200", "msg": "ok", "data": {"task_id": "zqt-20261118-110640-000-aaaa"}}', '{"status": 2, "desc": "Success"}');
INSERT INTO result VALUES (1, 0, 'https://oss.example.com/a/0.png?sig=1', 1001, 1, 1, '', '/home/u/.local/share/zqt/images/a/1.png');
INSERT INTO result VALUES (1, 1, 'https://oss.example.com/a/1.png?sig=1', 1002, 1, 0, 'nsfw', NULL);
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    2, 'sd/v2/controlnet', 'https://api.zhiqite.com', 'default', 1795000100.0, 'zqt-20261118-110820-000-bbbb', NULL,
    'a red bicycle', 'photon_v1', 1, 'send-failed', NULL, NULL, NULL, NULL,
    'Cannot reach api.zhiqite.com: host name not found', NULL, 1795000101.0, 1795000101.0,
    '{"prompt": "a red bicycle"}', NULL, NULL);
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    3, 'sd/v2/controlnet', 'https://api.zhiqite.com', 'default', 1795000200.0, 'zqt-20261118-111000-000-cccc',
    'zqt-20261118-111000-000-cccc', 'snowy mountains', 'photon_v1', 1, 'running', 200, 1, 'Running', 0.4, NULL,
    1795000201.0, NULL, 1795000210.0, '{"prompt": "snowy mountains"}', '{"code": "200"}', NULL);
PRAGMA user_version = 1;
