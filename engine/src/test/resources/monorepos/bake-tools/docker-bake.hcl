# A bake file shaped like the ones deja meets: variables, inherits, a matrix, and a named context on a target.
variable "TAG" { default = "dev" }
variable "REGISTRY" { default = "localhost:5000/bk" }
group "default" { targets = ["base", "app", "tool"] }
target "common" { labels = { "org.opencontainers.image.vendor" = "acme" } }
target "base" {
  inherits = ["common"]
  context = "base"
  tags = ["${REGISTRY}/base:${TAG}"]
}
target "app" {
  inherits = ["common"]
  context = "app"
  contexts = { base = "target:base" }
  tags = ["${REGISTRY}/app:${TAG}"]
}
target "tool" {
  name = "tool-${item}"
  matrix = { item = ["lint", "fmt"] }
  context = "tools"
  args = { TOOL = item }
  tags = ["${REGISTRY}/tool-${item}:${TAG}"]
}
