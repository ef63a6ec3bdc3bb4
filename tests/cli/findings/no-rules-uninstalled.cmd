$S/con318
