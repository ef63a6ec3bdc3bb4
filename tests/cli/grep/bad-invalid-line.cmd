$T/bad/invalid-line.log
