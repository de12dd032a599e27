#!/bin/sh
exec greet service2
