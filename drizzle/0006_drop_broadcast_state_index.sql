-- Every claim and every outcome changes a delivery's state, so an index on (broadcast_id, state) took two
-- entries per message sent; a broadcast's rows are found through deliveries_broadcast_subscriber_uq.
DROP INDEX "deliveries_broadcast_state_idx";
