\set rows `cat .c2tmp/rows.json`
explain (analyze, buffers, wal, costs off) update deliveries d set
      state = v.state, lease_until = null,
      leased_by = case when v.state = 'queued' then null else d.leased_by end,
      attempts = greatest(0, d.attempts + v.attempt_delta),
      next_attempt_at = case when v.retry_ms is null then d.next_attempt_at else now() + v.retry_ms * interval '1 millisecond' end,
      external_id = coalesce(v.external_id, d.external_id), error_kind = v.error_kind, error_detail = v.error_detail,
      sent_at = case when v.state = 'sent' then now() else d.sent_at end
    from jsonb_to_recordset(:'rows'::jsonb) as v(id bigint, state text, external_id text, error_kind text, error_detail text, retry_ms int, attempt_delta int)
    where d.id = v.id and d.leased_by = 'me' and d.state = 'sending';
