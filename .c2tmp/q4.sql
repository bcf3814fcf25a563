explain (analyze, buffers, wal, costs off) with due as (
        select id from deliveries
        where state = 'queued' and next_attempt_at <= now() and channel = 'telegram'
        order by priority, next_attempt_at
        limit 500
        for update skip locked
      )
      update deliveries d set state = 'sending', lease_until = now() + '60000 milliseconds'::interval, leased_by = 'me', attempts = d.attempts + 1
      from due where d.id = due.id
      returning d.id, d.subscriber_id, (select s.external_id from subscribers s where s.id = d.subscriber_id) as external_id,
        (select s.status from subscribers s where s.id = d.subscriber_id) as status, d.kind, d.message, d.attempts, d.priority;
