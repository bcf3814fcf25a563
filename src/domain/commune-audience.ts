import { sql } from "drizzle-orm";
import { queryRows, type DbOrTx } from "../db/client.js";

export interface CommuneAudience {
  code: string;
  name: string;
  type: string;
  /** Active subscribers following the commune as residents. */
  residents: number;
  /** Active propagandists (tuyên truyền viên) of the commune. */
  propagandists: number;
}

/** Every current unit with its active residents and propagandists, by name. */
export async function communeAudience(db: DbOrTx): Promise<CommuneAudience[]> {
  const rows = await queryRows<CommuneAudience>(db, sql`
    select u.code, u.name, u.type,
      count(distinct s.subscriber_id) filter (where s.role = 'resident')::int as residents,
      count(distinct s.subscriber_id) filter (where s.role = 'propagandist')::int as propagandists
    from admin_units u
    left join subscriptions s on s.unit_code = u.code
      and exists (select 1 from subscribers r where r.id = s.subscriber_id and r.status = 'active')
    group by u.code, u.name, u.type`);
  return rows.sort((a, b) => a.name.localeCompare(b.name, "vi"));
}
