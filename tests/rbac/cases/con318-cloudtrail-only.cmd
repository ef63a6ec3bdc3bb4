$S/cloudtrail
