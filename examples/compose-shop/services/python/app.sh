echo "role $1"
cat /etc/base-release /etc/python-release
