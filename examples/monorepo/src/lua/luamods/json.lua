local json = {}
function json.encode(v) return tostring(v) end
return json
