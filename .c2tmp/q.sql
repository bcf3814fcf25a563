\timing on
insert into broadcasts (id, kind, created_by) values ('00000000-0000-0000-0000-000000000001','announcement','x');
insert into deliveries (broadcast_id, subscriber_id, channel, kind, message) select '00000000-0000-0000-0000-000000000001', id, 'telegram', 'announcement', '{"text":"📢 Lấy ý kiến dự thảo: Nghị quyết về phí thu gom rác thải\n\nQuy định mức phí thu gom rác thải sinh hoạt.","buttons":[[{"label":"Góp ý","action":"unsub"}]]}'::jsonb from subscribers;
vacuum analyze deliveries;
explain (analyze, buffers, wal) with due as (
        select id from deliveries
        where state = 'queued' and next_attempt_at <= now() and channel = 'telegram'
        order by priority, next_attempt_at
        limit 500
        for update skip locked
      ), claimed as (
        select d.id, s.external_id, s.status,
          (s.status = 'gone' or (s.status = 'stopped' and d.priority > 0)) as skip
        from due join deliveries d on d.id = due.id join subscribers s on s.id = d.subscriber_id
      )
      update deliveries d set
        state = case when c.skip then 'failed' else 'sending' end,
        error_kind = case when c.skip then 'stopped' else d.error_kind end,
        error_detail = case when c.skip then 'subscriber ' || c.status else d.error_detail end,
        lease_until = case when c.skip then null else now() + '60000 milliseconds'::interval end,
        leased_by = 'me',
        attempts = case when c.skip then d.attempts else d.attempts + 1 end
      from claimed c
      where d.id = c.id
      returning d.id, d.subscriber_id, c.external_id, d.kind, d.message, d.attempts, d.priority, d.state, d.error_detail;
