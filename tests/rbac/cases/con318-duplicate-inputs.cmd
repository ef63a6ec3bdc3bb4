$S $S/eks
