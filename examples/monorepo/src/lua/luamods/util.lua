local util = {}
function util.trim(s) return (s:gsub("^%s*(.-)%s*$", "%1")) end
return util
