-- A history database as zqt wrote it with schema 5 (sweeps' batch ids;
-- before text results were indexed for the filter): the schema-4 file's
-- rows, draft, text results and model list, migration 5 applied.
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
ALTER TABLE submission ADD COLUMN search_text TEXT GENERATED ALWAYS AS (
    prompt || char(10) || id_task || char(10) || coalesce(service_task_id, '') || char(10)
    || model || char(10) || endpoint || char(10) || state
) VIRTUAL;
CREATE VIRTUAL TABLE submission_search USING fts5(
    search_text, content='submission', content_rowid='id', tokenize='trigram'
);
INSERT INTO submission_search(submission_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE submission_words USING fts5(
    words, tokenize='unicode61 remove_diacritics 2', prefix='1 2'
);
CREATE TRIGGER submission_search_insert AFTER INSERT ON submission BEGIN
    INSERT INTO submission_search(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER submission_search_delete AFTER DELETE ON submission BEGIN
    INSERT INTO submission_search(submission_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    DELETE FROM submission_words WHERE rowid = old.id;
END;
CREATE TRIGGER submission_search_update AFTER UPDATE OF prompt, id_task, service_task_id, model, endpoint, state ON submission BEGIN
    INSERT INTO submission_search(submission_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO submission_search(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TABLE draft (
    slot TEXT PRIMARY KEY,
    endpoint TEXT NOT NULL,
    request_json TEXT NOT NULL,
    field_drafts TEXT NOT NULL,
    saved_at REAL NOT NULL
);
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    1, 'sd/v2/controlnet', 'https://api.zhiqite.com', 'default', 1795137300.0, 'zqt-20261120-091500-000-aaaa',
    'zqt-20261120-091500-000-aaaa', 'a lighthouse at dusk, 一座灯塔', 'revAnimated_v122.safetensors', 2, 'succeeded', 200, 2,
    'Success', NULL, NULL, 1795137301.0, 1795137330.0, 1795137330.0,
    '{
  "prompt": "a lighthouse at dusk, 一座灯塔",
  "n_iter": 2,
  "batch_size": 1,
  "steps": 20,
  "seed": -1,
  "restore_faces": false,
  "enable_hr": false,
  "hr_scale": 2,
  "width": 512,
  "height": 512,
  "negative_prompt": "",
  "cfg_scale": 7,
  "sampler_index": "DPM++ 2M Karras",
  "resize_mode": 0,
  "alwayson_scripts": {
    "sd_model_checkpoint": "revAnimated_v122.safetensors",
    "id_task": "zqt-20261120-091500-000-aaaa",
    "controlnet": {
      "args": [
        {
          "image_link": "https://dbt-aigc.oss-cn-hangzhou.aliyuncs.com/Input/edges.png",
          "enabled": true,
          "module": "canny",
          "model": "control_v11p_sd15_canny [d14c016b]",
          "weight": 1,
          "resize_mode": "Crop and Resize",
          "low_vram": false,
          "processor_res": 512,
          "threshold_a": 100,
          "threshold_b": 200,
          "guidance_start": 0,
          "guidance_end": 1,
          "pixel_perfect": false,
          "control_mode": "Balanced"
        }
      ]
    }
  }
}',
    '{"code": "200", "msg": "success", "data": {"task_id": "zqt-20261120-091500-000-aaaa"}}',
    '{
  "id_task": "zqt-20261120-091500-000-aaaa",
  "status": 2,
  "desc": "Success",
  "temporaryImageDto": null
}');
INSERT INTO result VALUES (1, 0, 'https://aigcoss.zhiqiteai.cn/Output-Img2/a-0.png?Expires=1&Signature=x', 2001, 1, 1, 'nonLabel', '/home/u/.local/share/zqt/images/zqt-20261120-091500-000-aaaa-1.png');
INSERT INTO result VALUES (1, 1, 'https://aigcoss.zhiqiteai.cn/Output-Img2/a-1.png?Expires=1&Signature=x', 2002, 1, 0, 'nsfw' || char(10) || 'violence', NULL);
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    2, 'sd/v2/text2image', 'https://api.zhiqite.com', 'default', 1795137600.0, 'zqt-20261120-092000-000-bbbb', NULL,
    'a red bicycle', 'photon_v1', 2, 'send-failed', 200, NULL, NULL, NULL,
    'API error 401: invalid access key', NULL, 1795137601.0, 1795137601.0,
    '{
  "prompt": "a red bicycle",
  "n_iter": 2,
  "batch_size": 1,
  "steps": 20,
  "seed": -1,
  "restore_faces": false,
  "enable_hr": false,
  "hr_scale": 2,
  "width": 512,
  "height": 512,
  "negative_prompt": "",
  "cfg_scale": 7,
  "sampler_index": "DPM++ 2M Karras",
  "resize_mode": 0,
  "alwayson_scripts": {
    "sd_model_checkpoint": "photon_v1",
    "id_task": "zqt-20261120-092000-000-bbbb"
  }
}',
    '{"code": "401", "msg": "invalid access key"}', NULL);
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    3, 'sd/v2/image2image', 'http://127.0.0.1:8931', 'sandbox', 1795138200.0, 'zqt-20261120-093000-000-cccc',
    'zqt-20261120-093000-000-cccc', 'snowy mountains at noon', 'photon_v1', 2, 'running', 200, 1, 'Running', 0.4, NULL,
    1795138201.0, NULL, 1795138210.0,
    '{
  "prompt": "snowy mountains at noon",
  "n_iter": 2,
  "batch_size": 1,
  "steps": 20,
  "seed": -1,
  "restore_faces": false,
  "enable_hr": false,
  "hr_scale": 2,
  "width": 512,
  "height": 512,
  "negative_prompt": "",
  "cfg_scale": 7,
  "sampler_index": "DPM++ 2M Karras",
  "resize_mode": 0,
  "alwayson_scripts": {
    "sd_model_checkpoint": "photon_v1",
    "id_task": "zqt-20261120-093000-000-cccc",
    "image_link": "https://example.com/in/mountain.png"
  }
}',
    '{"code": "200", "msg": "success", "data": {"task_id": "zqt-20261120-093000-000-cccc"}}',
    '{
  "status": 1,
  "desc": "Running",
  "temporaryImageDto": {
    "progress": 0.4
  }
}');
INSERT INTO submission_words(rowid, words) VALUES (1, 'a lighthouse at dusk,  一  座  灯  塔 ' || char(10) || 'revAnimated_v122.safetensors');
INSERT INTO submission_words(rowid, words) VALUES (2, 'a red bicycle' || char(10) || 'photon_v1');
INSERT INTO submission_words(rowid, words) VALUES (3, 'snowy mountains at noon' || char(10) || 'photon_v1');
INSERT INTO draft (slot, endpoint, request_json, field_drafts, saved_at) VALUES (
    'compose', 'sd/v2/text2image',
    '{
  "prompt": "half-typed 提示",
  "n_iter": 2,
  "batch_size": 1,
  "steps": 20,
  "seed": -1,
  "restore_faces": false,
  "enable_hr": false,
  "hr_scale": 2,
  "width": 512,
  "height": 512,
  "negative_prompt": "",
  "cfg_scale": 7,
  "sampler_index": "DPM++ 2M Karras",
  "resize_mode": 0,
  "alwayson_scripts": {
    "sd_model_checkpoint": "",
    "id_task": "zqt-20261120-094000-000-dddd"
  }
}',
    '{"seed":"12x","steps":"2o"}', 1795138800.0);
ALTER TABLE result ADD COLUMN text TEXT;
CREATE INDEX result_images ON result(submission_id) WHERE text IS NULL;
DROP INDEX submission_unfinished;
CREATE INDEX submission_unfinished ON submission(state) WHERE state IN ('sending', 'submitted', 'queued', 'running', 'unknown');
INSERT INTO submission (id, endpoint, base_url, profile, created_at, id_task, service_task_id, prompt, model, image_count, state, http_status, task_status, task_desc, progress, error, submitted_at, finished_at, updated_at, request_json, response_json, last_query_json) VALUES (
    4, 'tool/prompts/expand', 'https://api.zhiqite.com', 'default', 1795140000.0, 'zqt-20261120-100000-000-eeee', '77',
    'a girl', '', 1, 'succeeded', 200, 0, 'success', NULL, NULL, 1795140001.0, 1795140002.0, 1795140002.0,
    '{
  "businessTaskId": "zqt-20261120-100000-000-eeee",
  "sourcePrompt": "a girl"
}', '{"code": "200", "msg": "success", "data": {"status": 0, "prompts": ["masterpiece, a girl"], "taskId": "77"}}',
    '{"status": 0, "prompts": ["masterpiece, a girl", "1 girl, 一个女孩"], "taskId": "77"}');
INSERT INTO submission_words(rowid, words) VALUES (4, 'a girl' || char(10) || '');
INSERT INTO result (submission_id, position, image_url, seed, image_status, audit_passed, audit_labels, local_path, text) VALUES (4, 0, '', NULL, NULL, NULL, '', NULL, 'masterpiece, a girl');
INSERT INTO result (submission_id, position, image_url, seed, image_status, audit_passed, audit_labels, local_path, text) VALUES (4, 1, '', NULL, NULL, NULL, '', NULL, '1 girl, 一个女孩');
CREATE TABLE model_list (
    service TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    fetched_at REAL NOT NULL,
    complete INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    items_json TEXT NOT NULL,
    PRIMARY KEY (service, kind)
);
INSERT INTO model_list (service, kind, path, fetched_at, complete, item_count, items_json) VALUES (
    'https://api.zhiqite.com', 'checkpoint', 'sd/v2/queryModelList', 1795140100.0, 1, 2,
    '[{"name":"revAnimated_v122.safetensors","display":"ReV Animated","base":"SD1.5"},{"name":"photon_v1"}]');
ALTER TABLE submission ADD COLUMN batch_id TEXT;
CREATE INDEX submission_batch ON submission(batch_id, id) WHERE batch_id IS NOT NULL;
PRAGMA user_version = 5;
