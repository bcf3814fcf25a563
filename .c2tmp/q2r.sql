with due as (
        select id, subscriber_id, priority from deliveries
        where state = 'queued' and next_attempt_at <= now() and channel = 'telegram'
        order by priority, next_attempt_at
        limit 500
        for update skip locked
      ), claimed as (
        select due.id, s.external_id, s.status,
          (s.status = 'gone' or (s.status = 'stopped' and due.priority > 0)) as skip
        from due join subscribers s on s.id = due.subscriber_id
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
