/**
 * The shared budget's Redis scripts (decision 0020 says why scripts and not a rate-limiting library):
 * token buckets kept as hashes, refilled from Redis's own clock (`TIME`), so that every worker sees one
 * time and one state, and every change happens in one atomic call.
 *
 * A bucket is two fields, `<name>t` (tokens, may go negative: a debt that later requests wait out, so
 * that waiters are served in arrival order, as in the adapter's in-memory budget) and `<name>a` (when
 * it was last refilled, ms). A `hold` field holds every request of the key until that time.
 */

const COMMON = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(v, d)
  local n = tonumber(v)
  if n == nil then return d end
  return n
end
local function reserve(key, f, cost, cap, window)
  if cost <= 0 then return 0 end
  local per = cap / window
  local v = redis.call('HMGET', key, f .. 't', f .. 'a')
  local tokens = math.min(cap, num(v[1], cap) + (now - num(v[2], now)) * per)
  tokens = tokens - math.min(cost, cap)
  redis.call('HSET', key, f .. 't', tostring(tokens), f .. 'a', tostring(now))
  if tokens >= 0 then return 0 end
  return math.ceil(-tokens / per)
end
`;

/**
 * KEYS: tenant hash, app hash. ARGV: stage (`all`: the tenant's buckets, then the app's when the
 * tenant's do not make it wait; `app`: the app's only), then resource units, writes and requests of
 * the request, the tenant's caps and windows (units, writes), the app's (units, requests, writes), and
 * the keys' expiry. Answers `{ taken, waitMs }`: taken 0 = nothing taken, a hold is in force for
 * waitMs; 1 = the tenant's buckets taken, wait waitMs then ask for the app's; 2 = all taken, wait waitMs.
 */
export const RESERVE_SCRIPT = `${COMMON}
local hold = math.max(num(redis.call('HGET', KEYS[1], 'hold'), 0), num(redis.call('HGET', KEYS[2], 'hold'), 0))
if hold > now then return {0, hold - now} end
local units, writes, requests = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[1] == 'all' then
  local wait = math.max(
    reserve(KEYS[1], 'u', units, tonumber(ARGV[5]), tonumber(ARGV[6])),
    reserve(KEYS[1], 'w', writes, tonumber(ARGV[7]), tonumber(ARGV[8])))
  redis.call('PEXPIRE', KEYS[1], ARGV[15])
  if wait > 0 then return {1, wait} end
end
local wait = math.max(
  reserve(KEYS[2], 'u', units, tonumber(ARGV[9]), tonumber(ARGV[10])),
  reserve(KEYS[2], 'r', requests, tonumber(ARGV[11]), tonumber(ARGV[12])),
  reserve(KEYS[2], 'w', writes, tonumber(ARGV[13]), tonumber(ARGV[14])))
redis.call('PEXPIRE', KEYS[2], ARGV[15])
return {2, wait}
`;

/**
 * KEYS: tenant hash, app hash. ARGV: what was taken (1: the tenant's buckets, 2: both), the amounts
 * (units, writes, requests) and the caps (tenant units, tenant writes, app units, app requests, app
 * writes). Gives back what a request that was never sent had reserved, never above a bucket's cap.
 */
export const GIVE_BACK_SCRIPT = `
local function back(key, f, amount, cap)
  if amount <= 0 then return end
  local tokens = tonumber(redis.call('HGET', key, f .. 't'))
  if tokens == nil then return end
  redis.call('HSET', key, f .. 't', tostring(math.min(cap, tokens + math.min(amount, cap))))
end
local units, writes, requests = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
back(KEYS[1], 'u', units, tonumber(ARGV[5]))
back(KEYS[1], 'w', writes, tonumber(ARGV[6]))
if ARGV[1] == '2' then
  back(KEYS[2], 'u', units, tonumber(ARGV[7]))
  back(KEYS[2], 'r', requests, tonumber(ARGV[8]))
  back(KEYS[2], 'w', writes, tonumber(ARGV[9]))
end
return 1
`;

/** KEYS: the hash to hold (a tenant's or the app's). ARGV: Retry-After in ms, the key's expiry in ms. */
export const HOLD_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local held = tonumber(redis.call('HGET', KEYS[1], 'hold'))
if held == nil or held < until_ms then redis.call('HSET', KEYS[1], 'hold', tostring(until_ms)) end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) + tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[1]))
end
return 1
`;
