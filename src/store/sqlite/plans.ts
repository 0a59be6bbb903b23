// Plans on SQLite: tiers are stored as JSON, read back and validated on the way in only.
import type { Plan, PlanRepository } from '../types.js';
import { validatePlan, validatePlanId } from '../validate.js';
import { prepareLazily, type SqliteContext } from './database.js';

interface PlanRow {
  id: string;
  name: string;
  currency: string;
  monthly_fee_minor: number;
  tiers_json: string;
}

const columns = 'id, name, currency, monthly_fee_minor, tiers_json';

function toPlan(row: PlanRow): Plan {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    monthlyFeeMinor: row.monthly_fee_minor,
    tiers: JSON.parse(row.tiers_json) as Plan['tiers'],
  };
}

export function createSqlitePlans(context: SqliteContext): PlanRepository {
  const { run } = context;
  const statements = prepareLazily(context.db, {
    list: `SELECT ${columns} FROM plans ORDER BY monthly_fee_minor, id`,
    get: `SELECT ${columns} FROM plans WHERE id = ?`,
    put: `INSERT INTO plans (${columns}) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET name = excluded.name, currency = excluded.currency,
            monthly_fee_minor = excluded.monthly_fee_minor, tiers_json = excluded.tiers_json`,
  });

  return {
    list: () => run(() => (statements.list.all() as PlanRow[]).map(toPlan)),
    get: (id) =>
      run(() => {
        const row = statements.get.get(validatePlanId(id, 'id')) as PlanRow | undefined;
        return row && toPlan(row);
      }),
    put: (plan) =>
      run(() => {
        const valid = validatePlan(plan);
        statements.put.run(valid.id, valid.name, valid.currency, valid.monthlyFeeMinor, JSON.stringify(valid.tiers));
        return valid;
      }),
  };
}
