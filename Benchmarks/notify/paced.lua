-- Pacing for Benchmarks/notify/notify.sh, appended to Benchmarks/api/intake.lua (wrk
-- loads one script): each connection waits PAUSE milliseconds before every request, so
-- C connections post at most C * 1000 / PAUSE alerts a second.
--   wrk ... -s intake+paced.lua URL -- TOKEN PAUSE

local intake_init = init
local pause = 0

function init(args)
    intake_init(args)
    pause = tonumber(args[2])
end

function delay()
    return pause
end
