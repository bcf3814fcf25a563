-- A button press is handled in one statement without an explicit transaction (src/domain/residents/turns.ts):
-- the statement stores the answer, queues the reply and saves the conversation, and calls this function to
-- abort itself (undoing every write in it) when the update was a replay or the conversation changed meanwhile.
CREATE OR REPLACE FUNCTION gopy_abort_turn(reason text) RETURNS integer
  LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION 'gopy turn aborted: %', reason USING ERRCODE = 'GT001', HINT = reason;
END
$$;
