cat /etc/base-release /etc/python-release
