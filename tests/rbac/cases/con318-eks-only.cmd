$S/eks
