-- wrk script for Benchmarks/api: rotates `GET /v1/decisions?ip=` through three kinds
-- of address in turn: an exact hit (one of the banned addresses), a hit inside a
-- banned /24, and a miss (150.0.0.0 upward, never banned). The targets are those of
-- targets.sh for the same N; keep the two files in step.
--   wrk ... -s mix.lua URL -- API_KEY N [PATH]
-- With PATH, every request asks that one path instead (a constant-body baseline
-- with the same script overhead in wrk).
-- At the end it prints one line `mix: hits H misses M non200 E`, from the bodies:
-- a hit is a JSON array with something in it, a miss is `null` or `[]`. Two thirds
-- of the answers should be hits.

local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("id", next_id)
    table.insert(threads, thread)
end

local key, ips, ranges, fixed
local counter = 0
hits, misses, non200 = 0, 0, 0

function init(args)
    key = args[1]
    fixed = args[3]
    local n = tonumber(args[2])
    ranges = math.floor(n / 10)
    ips = n - ranges
    -- Threads start at different places so they do not ask the same addresses in step.
    counter = id * 1000003
end

local function dotted(a)
    return string.format("%d.%d.%d.%d", math.floor(a / 16777216) % 256, math.floor(a / 65536) % 256,
        math.floor(a / 256) % 256, a % 256)
end

function request()
    if fixed then
        return wrk.format("GET", fixed, { ["X-Api-Key"] = key })
    end
    counter = counter + 1
    local kind = counter % 3
    local address
    if kind == 0 then
        address = 11 * 16777216 + (counter * 7919) % ips
    elseif kind == 1 then
        address = 60 * 16777216 + ((counter * 104729) % ranges) * 256 + 1 + counter % 254
    else
        address = 150 * 16777216 + counter % 16777216
    end
    return wrk.format("GET", "/v1/decisions?ip=" .. dotted(address), { ["X-Api-Key"] = key })
end

function response(status, headers, body)
    if status ~= 200 then
        non200 = non200 + 1
    elseif body:sub(1, 1) == "[" and #body > 2 then
        hits = hits + 1
    else
        misses = misses + 1
    end
end

function done(summary, latency, requests)
    local h, m, e = 0, 0, 0
    for _, thread in ipairs(threads) do
        h = h + thread:get("hits")
        m = m + thread:get("misses")
        e = e + thread:get("non200")
    end
    io.write(string.format("mix: hits %d misses %d non200 %d\n", h, m, e))
end
