#!/bin/sh
greet service1
ls /opt/app/luamods
