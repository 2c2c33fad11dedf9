-- wrk script for SEN's authenticated endpoints. Configured through the environment so
-- that one script serves every case (bench/http_throughput.py sets these):
--   SEN_BENCH_TOKEN   bearer token of a logged-in session (required)
--   SEN_BENCH_METHOD  GET (default) or POST
--   SEN_BENCH_BODY    JSON body sent with POST
wrk.method = os.getenv("SEN_BENCH_METHOD") or "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("SEN_BENCH_TOKEN")
local body = os.getenv("SEN_BENCH_BODY")
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
