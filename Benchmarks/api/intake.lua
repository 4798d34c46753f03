-- wrk script for Benchmarks/api/intake.sh: every request is `POST /v1/alerts` with one
-- alert shaped like the crowdsec 1.4.6 agent's (research agent-wire/alert-sample.json:
-- crowdsecurity/ssh-bf, 6 events with their meta, no decisions, so the server's
-- profiles decide), each from its own source address, counted up from 10.0.0.0 with
-- each thread in its own /12 so that no two alerts share an attacker.
--   wrk ... -s intake.lua URL -- TOKEN
-- TOKEN is a machine's JWT (POST /v1/watchers/login). At the end it prints one line
-- `intake: accepted A rejected R`: accepted is a 201 whose body is a JSON array of one
-- id string (what the agent needs to drop its batch); anything else is rejected.

local threads = {}
local next_id = 0

function setup(thread)
    next_id = next_id + 1
    thread:set("id", next_id)
    table.insert(threads, thread)
end

local token, now, headers
local counter = 0
accepted, rejected = 0, 0

function init(args)
    token = args[1]
    -- Current times: a server counts the decision's duration from stop_at.
    now = os.date("!%Y-%m-%dT%H:%M:%SZ")
    headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json",
        ["User-Agent"] = "crowdsec/v1.4.6-bench" }
end

local function dotted(a)
    return string.format("%d.%d.%d.%d", math.floor(a / 16777216) % 256, math.floor(a / 65536) % 256,
        math.floor(a / 256) % 256, a % 256)
end

local function event(ip)
    return string.format('{"meta":[{"key":"datasource_path","value":"/var/log/auth.log"},'
        .. '{"key":"datasource_type","value":"file"},{"key":"log_type","value":"ssh_failed-auth"},'
        .. '{"key":"machine","value":"bench"},{"key":"service","value":"ssh"},'
        .. '{"key":"source_ip","value":"%s"},{"key":"target_user","value":"admin"},'
        .. '{"key":"timestamp","value":"%s"}],"timestamp":"%s"}', ip, now, now)
end

function request()
    counter = counter + 1
    local ip = dotted(10 * 16777216 + id * 1048576 + counter % 1048576)
    local events = {}
    for i = 1, 6 do events[i] = event(ip) end
    local body = string.format('[{"capacity":5,"decisions":null,"events":[%s],"events_count":6,'
        .. '"labels":null,"leakspeed":"10s","message":"Ip %s performed \'crowdsecurity/ssh-bf\' '
        .. '(6 events over 1s) at %s","remediation":true,"scenario":"crowdsecurity/ssh-bf",'
        .. '"scenario_hash":"4441dcff07020f6690d998b7101e642359ba405c2abb83565bbbdcee36de280f",'
        .. '"scenario_version":"0.1","simulated":false,"source":{"ip":"%s","scope":"Ip","value":"%s"},'
        .. '"start_at":"%s","stop_at":"%s"}]\n',
        table.concat(events, ","), ip, now, ip, ip, now, now)
    return wrk.format("POST", "/v1/alerts", headers, body)
end

function response(status, headers, body)
    if status == 201 and body:match('^%["[^"]+"%]') then
        accepted = accepted + 1
    else
        rejected = rejected + 1
    end
end

function done(summary, latency, requests)
    local a, r = 0, 0
    for _, thread in ipairs(threads) do
        a = a + thread:get("accepted")
        r = r + thread:get("rejected")
    end
    io.write(string.format("intake: accepted %d rejected %d\n", a, r))
end
