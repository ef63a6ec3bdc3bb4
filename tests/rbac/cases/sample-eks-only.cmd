$C/eks-audit
